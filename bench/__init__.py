"""`make bench`: performance figures with their targets (not part of `make test`)."""
