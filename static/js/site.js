// Progressive enhancements for Blogsite. Every page works without this file.
