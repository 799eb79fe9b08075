"""Public finance: the general budget, government fund budget, social-insurance fund,
staffing and the debt register, vectorised over paths."""
