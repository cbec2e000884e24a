// The log-in page: whatever a previous session left for offline use on this phone is removed (its token is
// no longer valid). The outbox stays: queued inspections are sent once their inspector logs in again.
import {forgetAuth} from './outbox.js';

forgetAuth();
if ('caches' in window) caches.delete('safety-pages-v1');
