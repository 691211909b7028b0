package io.warren.management.api;

import io.warren.management.http.ApiException;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code name} filter of a listing, case-insensitive as RabbitMQ's: a substring, or a regular expression found
 * anywhere in the name. A pattern that backtracks without end is stopped after a time budget (a 400), so no
 * request can hold a worker thread with a regular expression.
 */
final class NameFilter {
    private static final long BUDGET_NANOS = 2_000_000_000L;

    private NameFilter() {
    }

    static Predicate<String> of(String filter, boolean regex) {
        if (!regex) {
            String needle = filter.toLowerCase(Locale.ROOT);
            return name -> name.toLowerCase(Locale.ROOT).contains(needle);
        }
        Pattern p;
        try {
            p = Pattern.compile(filter, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw ApiException.badRequest("name is not a valid regular expression: " + e.getDescription());
        }
        long deadline = System.nanoTime() + BUDGET_NANOS;
        return name -> p.matcher(new Budgeted(name, deadline)).find();
    }

    /** A name whose characters may be read only until the deadline: the matcher's only way to do work. */
    private static final class Budgeted implements CharSequence {
        private final String s;
        private final long deadline;
        private int reads;

        Budgeted(String s, long deadline) {
            this.s = s;
            this.deadline = deadline;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if ((++reads & 0x3ff) == 0 && System.nanoTime() > deadline) {
                throw ApiException.badRequest("the name regular expression takes too long to match; simplify it");
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(s.substring(start, end), deadline);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
