"""The search JSON API: member search, brand content and creator search, shortlists."""
