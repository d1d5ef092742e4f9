module sociindexer.test/tarlist

go 1.19
