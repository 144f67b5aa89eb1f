"""RaSoat's desktop GUI (PySide6). Imports `app` and `models`; nothing imports `ui`."""
