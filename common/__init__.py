"""Basics every part may use: the clock, backoff, device status, the control-socket protocol, fonts and
template crypto. Nothing here imports the kiosk, the drivers, the screens or the simulators."""
