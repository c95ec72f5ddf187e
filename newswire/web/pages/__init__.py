"""The signed-in pages: the subscriber portal, the editor desk and the admin pages."""
