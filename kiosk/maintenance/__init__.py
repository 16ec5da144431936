"""The technician's side of the kiosk: who is in (`access`), what a technician can do once in
(`workshop` and its parts) and what the maintenance screens are sent (their views in kiosk.views).

A technician reaches maintenance with a technician card and its PIN, or on the booth's console
(`kiosk diag maintenance enter`); every action is journaled with the technician's id.
"""

from kiosk.maintenance.technician import Technician
from kiosk.maintenance.workshop import Workshop

__all__ = ["Technician", "Workshop"]
