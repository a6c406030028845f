"""Four ideas, each a rule written once by its inventor; importing a module registers it."""
