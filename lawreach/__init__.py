"""lawreach: a sourced, interactive map of China's overseas police presence."""

__version__ = "0.1.0"
