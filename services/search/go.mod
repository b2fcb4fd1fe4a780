module soulchat/search

go 1.24
