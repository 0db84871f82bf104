"""Evidence: typed, located facts read from sources; collectors fill the inventory, criteria read it."""
