"""OpsBase's database backends: Django's, with what measurements showed they repeat needlessly."""
