"""Manufacturing's write functions: bills of materials and manufacturing orders."""
