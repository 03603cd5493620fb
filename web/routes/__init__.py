"""HTTP routes, one module per audience and job."""
