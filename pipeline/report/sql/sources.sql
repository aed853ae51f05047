SELECT source_id, title, url FROM source
