"""What waits for the signed-in person: counts per kind across the areas, in one request."""
