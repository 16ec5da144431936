"""Simulated Modbus I/O module (doors, tilt, mains/UPS, cabinet temperature): `python -m simulators.io_module`."""

from simulators.io_module.simulator import IoModuleSimulator

__all__ = ["IoModuleSimulator"]
