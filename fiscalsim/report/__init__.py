"""Tables, charts and result files (the only layer that touches pandas output and matplotlib)."""
