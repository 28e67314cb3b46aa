"""One module per environment (dev, test, staging, prod), each built by base.load()."""
