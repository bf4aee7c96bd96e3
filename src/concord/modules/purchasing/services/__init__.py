"""Purchasing's write functions: price lists, orders (RFQ to done), bills, reordering, settings."""
