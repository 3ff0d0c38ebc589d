import { unauthenticatedSuite } from '../dispute-support/seller-action-suites.js';

unauthenticatedSuite('accept');
