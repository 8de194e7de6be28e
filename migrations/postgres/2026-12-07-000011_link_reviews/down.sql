DROP TABLE link_reviews;
