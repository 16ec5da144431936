"""The composition root: builds a booth from config (real drivers or simulators, screens, the control
socket, sd_notify) and runs it. The only production code that may import screens, pygame or simulators."""
