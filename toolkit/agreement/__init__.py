"""Inter-rater agreement coefficients."""
