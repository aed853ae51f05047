SELECT * FROM latest_fits ORDER BY family, series, method
