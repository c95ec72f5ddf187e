"""The ASGI application: one router module per surface."""
