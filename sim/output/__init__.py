"""What a run leaves: result files, comparisons, regression checks, text, pictures, report."""
