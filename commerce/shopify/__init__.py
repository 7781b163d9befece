"""The Shopify connector: paid orders become Shopify orders (GraphQL Admin API,
`orderCreate`), and a catalog can be pulled from the same shop."""
