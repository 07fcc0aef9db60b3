"""What the domains share: errors, text cleaning, money, pages, files (intake, storage,
verified reads), rate limits, the audit log and the business's settings.

The public names of the package, by module:

- :mod:`.audit`: ``Actor``, ``AuditEntry``, ``AuditLog``, ``record``
- :mod:`.business`: ``BusinessSettings``, ``EffectiveSettings``, ``SettingsRepository``,
  ``effective``, ``parse_vat_rates``
- :mod:`.downloads`: ``Download``, ``FileCorrupted``, ``HandOff``, ``RangeNotSatisfiable``,
  ``StoredFile``, ``open_download``, ``resolve_range``
- :mod:`.errors`: ``AlreadyExists``, ``ConcurrentUpdate``, ``DeliveryFailed``, ``DomainError``,
  ``FieldError``, ``InvalidCredentials``, ``InvalidInput``, ``NotFound``, ``PermissionDenied``,
  ``RateLimited``, ``ServiceUnavailable``, ``TokenExpired``, ``TokenInvalid``
- :mod:`.filetypes`: ``FileRefused``, ``FileType``
- :mod:`.intake`: ``CheckedFile``, ``Upload``, ``check_file``
- :mod:`.limits`: ``Limit``, ``check_limit``
- :mod:`.money`: ``Money``, ``NumberRefused``, ``Quantity``, ``parse_amount``,
  ``parse_percent``, ``parse_quantity``
- :mod:`.paging`: ``Cursor``, ``KeysetFetch``, ``Listed``, ``Page``, ``Position``, ``Window``,
  ``keyset_window``, ``page_number``, ``requested_page``
- :mod:`.ports`: ``Clock``, ``IdGenerator``, ``Links``, ``RateLimiter``
- :mod:`.storage`: ``FileStorage``, ``ObjectNotFound``, ``ObjectReader``, ``ObjectTooLarge``,
  ``StorageUnavailable``, ``StoredObject``
- :mod:`.text`: ``clean_line``
"""

from iclient_core.shared.audit import Actor, AuditEntry, AuditLog, record
from iclient_core.shared.business import (
    BusinessSettings,
    EffectiveSettings,
    SettingsRepository,
    effective,
    parse_vat_rates,
)
from iclient_core.shared.downloads import (
    Download,
    FileCorrupted,
    HandOff,
    RangeNotSatisfiable,
    StoredFile,
    open_download,
    resolve_range,
)
from iclient_core.shared.errors import (
    AlreadyExists,
    ConcurrentUpdate,
    DeliveryFailed,
    DomainError,
    FieldError,
    InvalidCredentials,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    TokenExpired,
    TokenInvalid,
)
from iclient_core.shared.filetypes import FileRefused, FileType
from iclient_core.shared.intake import CheckedFile, Upload, check_file
from iclient_core.shared.limits import Limit, check_limit
from iclient_core.shared.money import (
    Money,
    NumberRefused,
    Quantity,
    parse_amount,
    parse_percent,
    parse_quantity,
)
from iclient_core.shared.paging import (
    Cursor,
    KeysetFetch,
    Listed,
    Page,
    Position,
    Window,
    keyset_window,
    page_number,
    requested_page,
)
from iclient_core.shared.ports import Clock, IdGenerator, Links, RateLimiter
from iclient_core.shared.storage import (
    FileStorage,
    ObjectNotFound,
    ObjectReader,
    ObjectTooLarge,
    StorageUnavailable,
    StoredObject,
)
from iclient_core.shared.text import clean_line

__all__ = [
    "Actor",
    "AlreadyExists",
    "AuditEntry",
    "AuditLog",
    "BusinessSettings",
    "CheckedFile",
    "Clock",
    "ConcurrentUpdate",
    "Cursor",
    "DeliveryFailed",
    "DomainError",
    "Download",
    "EffectiveSettings",
    "FieldError",
    "FileCorrupted",
    "FileRefused",
    "FileStorage",
    "FileType",
    "HandOff",
    "IdGenerator",
    "InvalidCredentials",
    "InvalidInput",
    "KeysetFetch",
    "Limit",
    "Links",
    "Listed",
    "Money",
    "NotFound",
    "NumberRefused",
    "ObjectNotFound",
    "ObjectReader",
    "ObjectTooLarge",
    "Page",
    "PermissionDenied",
    "Position",
    "Quantity",
    "RangeNotSatisfiable",
    "RateLimited",
    "RateLimiter",
    "ServiceUnavailable",
    "SettingsRepository",
    "StorageUnavailable",
    "StoredFile",
    "StoredObject",
    "TokenExpired",
    "TokenInvalid",
    "Upload",
    "Window",
    "check_file",
    "check_limit",
    "clean_line",
    "effective",
    "keyset_window",
    "open_download",
    "page_number",
    "parse_amount",
    "parse_percent",
    "parse_quantity",
    "parse_vat_rates",
    "record",
    "requested_page",
    "resolve_range",
]
