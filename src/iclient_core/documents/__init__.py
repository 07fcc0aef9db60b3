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
"""
