import { forbiddenSuite } from '../dispute-support/seller-action-suites.js';

forbiddenSuite('counter');
