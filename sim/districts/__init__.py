"""The district tier's vote model: district votes from national support (a stochastic stage)."""
