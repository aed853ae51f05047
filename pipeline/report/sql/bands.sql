SELECT * FROM fit_band WHERE list_contains(?, fit_id) ORDER BY fit_id, band_date
