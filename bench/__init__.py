"""Benchmarks of OpsBase (``make bench``): a data generator, a load run with wrk, a report."""
