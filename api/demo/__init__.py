"""The demonstration: one LLTS procedure in Fort-de-France (Martinique), then the
Loire's ASLL measures, told through the application's public commands.

`plan` holds the orders and what the scenes share; `martinique` and `loire`, the
scenes; `loading` carries them out once; `report` tells the user what is loaded.
"""

from api.demo.loading import load_demo
from api.demo.plan import COMMUNE

__all__ = ["COMMUNE", "load_demo"]
