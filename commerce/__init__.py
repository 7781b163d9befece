"""Commerce: catalog, intent parsing, reservations, carts, waitlists, orders and checkout."""
