"""Use cases as verb functions; every outside need is a Protocol in `ports`."""
