"""Scanners, cash drawers, printer transports and discovery, with one simulator per device
(see the devices issue)."""
