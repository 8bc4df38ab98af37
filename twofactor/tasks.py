"""No background work: every two-factor step happens in the person's own request."""
