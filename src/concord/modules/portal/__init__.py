"""The customer portal: a customer's contacts sign in and see their own quotes, orders, invoices and tickets."""
