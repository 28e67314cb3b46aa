"""The `opsbase new` pipeline: one module per step group, run by `runner.Provisioner`."""
