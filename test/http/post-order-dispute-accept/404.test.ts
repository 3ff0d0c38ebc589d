import { notFoundSuite } from '../dispute-support/seller-action-suites.js';

notFoundSuite('accept');
