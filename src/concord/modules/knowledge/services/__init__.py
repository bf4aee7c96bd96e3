"""The knowledge base's write functions: categories, articles and their versions, votes, imports."""
