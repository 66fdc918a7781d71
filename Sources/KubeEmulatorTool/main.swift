// Entry point placeholder.
print("not yet implemented")
