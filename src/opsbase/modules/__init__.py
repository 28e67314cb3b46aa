"""Business modules built on the module kit, one Django app each."""
