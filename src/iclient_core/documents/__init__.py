"""Documents and invoices: files staff put in a client's private area for them to download.

- :mod:`.model`: the ``Document`` aggregate (versions, status, download log).
- :mod:`.filetypes`: the allow-list of file types, told by leading bytes; safe file names.
- :mod:`.inputs`: the rules on titles, categories, dates, amounts and list filters.
- :mod:`.ports`: the ``DocumentRepository`` and ``DocumentLinks`` ports (the bytes go
  through :class:`iclient_core.shared.storage.FileStorage`).
- :mod:`.publishing`: staff upload a document or replace its file.
- :mod:`.managing`: staff list, edit, archive and delete a client's documents.
- :mod:`.reading`: a client lists their documents.
- :mod:`.download`: the checked, logged download, for the owner and for staff.
- :mod:`.sweeper`: removal of what dead uploads and failed deletions left behind.
- :mod:`.scrub`: the scheduled re-check of every stored file's bytes.

The public names of the package, by module:

- :mod:`.download`: ``download_document``, ``download_my_document``
- :mod:`.inputs`: ``DocumentDetails``
- :mod:`.managing`: ``ClientDocuments``, ``DocumentRecord``, ``archive_document``,
  ``client_documents``, ``delete_document``, ``document_record``, ``edit_details``,
  ``unarchive_document``
- :mod:`.model`: ``Category``, ``CheckOutcome``, ``Document``, ``DocumentQuery``,
  ``DocumentStatus``, ``DownloadRecord``, ``FileCheck``, ``FileVersion``, ``StoredVersion``
- :mod:`.ports`: ``DocumentRepository``
- :mod:`.publishing`: ``RefusedFile``, ``UploadReport``, ``notify_published``, ``replace_file``,
  ``upload_document``, ``upload_documents``
- :mod:`.reading`: ``MyDocuments``, ``UnopenedDocuments``, ``count_unopened``,
  ``latest_documents``, ``my_documents``, ``unopened_documents``
- :mod:`.scrub`: ``DamagedFile``, ``ScrubReport``, ``count_damaged``, ``damaged_files``,
  ``scrub_documents``
- :mod:`.sweeper`: ``SweepReport``, ``sweep_documents``
"""

from iclient_core.documents.download import download_document, download_my_document
from iclient_core.documents.inputs import DocumentDetails
from iclient_core.documents.managing import (
    ClientDocuments,
    DocumentRecord,
    archive_document,
    client_documents,
    delete_document,
    document_record,
    edit_details,
    unarchive_document,
)
from iclient_core.documents.model import (
    Category,
    CheckOutcome,
    Document,
    DocumentQuery,
    DocumentStatus,
    DownloadRecord,
    FileCheck,
    FileVersion,
    StoredVersion,
)
from iclient_core.documents.ports import DocumentRepository
from iclient_core.documents.publishing import (
    RefusedFile,
    UploadReport,
    notify_published,
    replace_file,
    upload_document,
    upload_documents,
)
from iclient_core.documents.reading import (
    MyDocuments,
    UnopenedDocuments,
    count_unopened,
    latest_documents,
    my_documents,
    unopened_documents,
)
from iclient_core.documents.scrub import (
    DamagedFile,
    ScrubReport,
    count_damaged,
    damaged_files,
    scrub_documents,
)
from iclient_core.documents.sweeper import SweepReport, sweep_documents

__all__ = [
    "Category",
    "CheckOutcome",
    "ClientDocuments",
    "DamagedFile",
    "Document",
    "DocumentDetails",
    "DocumentQuery",
    "DocumentRecord",
    "DocumentRepository",
    "DocumentStatus",
    "DownloadRecord",
    "FileCheck",
    "FileVersion",
    "MyDocuments",
    "RefusedFile",
    "ScrubReport",
    "StoredVersion",
    "SweepReport",
    "UnopenedDocuments",
    "UploadReport",
    "archive_document",
    "client_documents",
    "count_damaged",
    "count_unopened",
    "damaged_files",
    "delete_document",
    "document_record",
    "download_document",
    "download_my_document",
    "edit_details",
    "latest_documents",
    "my_documents",
    "notify_published",
    "replace_file",
    "scrub_documents",
    "sweep_documents",
    "unarchive_document",
    "unopened_documents",
    "upload_document",
    "upload_documents",
]
