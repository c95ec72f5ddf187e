"""PostgreSQL storage: all SQL lives in this package, one module per noun."""
