module sociindexer.test/gojson

go 1.19
