"""The verify stage: check a bag and report coded findings (placeholder, being written)."""
