"""Where the sealed bytes of uploaded files are kept: a local directory, or the database.

`storage.files.FileStore` seals and names files; a blob store here only keeps the sealed
bytes under their key. The local directory suits one machine (SQLite, the default); the
database table suits several machines behind one PostgreSQL, where a photo one `serve`
stored must open on another (`choose.open_blobs` picks one from the settings).
"""
