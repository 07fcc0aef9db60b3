"""The staff area: clients (find, create, invite, import, close), staff members, the
business's settings and logo, the audit log, and a person's complete data export.

The public names of the package, by module:

- :mod:`.audit`: ``AuditQuery``, ``audit_page``, ``export_audit``
- :mod:`.client_import`: ``ImportReport``, ``ImportRow``, ``check_import``, ``import_clients``,
  ``parse_clients_csv``
- :mod:`.clients`: ``Attention``, ``ClientFile``, ``ClientFilter``, ``attention``,
  ``client_file``, ``create_client``, ``disable_client``, ``enable_client``,
  ``end_client_sessions``, ``find_clients``, ``resend_invitation``,
  ``reset_client_two_step``, ``update_client``
- :mod:`.logo`: ``OpenedLogo``, ``StoredLogo``, ``open_logo``
- :mod:`.members`: ``change_role``, ``create_staff``, ``disable_staff``, ``enable_staff``,
  ``end_staff_sessions``, ``invite_staff``, ``list_staff``, ``resend_staff_invitation``,
  ``reset_staff_two_step``
- :mod:`.personal_data`: ``export_data``
- :mod:`.settings`: ``current_settings``, ``portal_revision``, ``save_settings``,
  ``settings_for_editing``
"""

from iclient_core.staff.audit import AuditQuery, audit_page, export_audit
from iclient_core.staff.client_import import (
    ImportReport,
    ImportRow,
    check_import,
    import_clients,
    parse_clients_csv,
)
from iclient_core.staff.clients import (
    Attention,
    ClientFile,
    ClientFilter,
    attention,
    client_file,
    create_client,
    disable_client,
    enable_client,
    end_client_sessions,
    find_clients,
    resend_invitation,
    reset_client_two_step,
    update_client,
)
from iclient_core.staff.logo import OpenedLogo, StoredLogo, open_logo
from iclient_core.staff.members import (
    change_role,
    create_staff,
    disable_staff,
    enable_staff,
    end_staff_sessions,
    invite_staff,
    list_staff,
    resend_staff_invitation,
    reset_staff_two_step,
)
from iclient_core.staff.personal_data import export_data
from iclient_core.staff.settings import (
    current_settings,
    portal_revision,
    save_settings,
    settings_for_editing,
)

__all__ = [
    "Attention",
    "AuditQuery",
    "ClientFile",
    "ClientFilter",
    "ImportReport",
    "ImportRow",
    "OpenedLogo",
    "StoredLogo",
    "attention",
    "audit_page",
    "change_role",
    "check_import",
    "client_file",
    "create_client",
    "create_staff",
    "current_settings",
    "disable_client",
    "disable_staff",
    "enable_client",
    "enable_staff",
    "end_client_sessions",
    "end_staff_sessions",
    "export_audit",
    "export_data",
    "find_clients",
    "import_clients",
    "invite_staff",
    "list_staff",
    "open_logo",
    "parse_clients_csv",
    "portal_revision",
    "resend_invitation",
    "resend_staff_invitation",
    "reset_client_two_step",
    "reset_staff_two_step",
    "save_settings",
    "settings_for_editing",
    "update_client",
]
